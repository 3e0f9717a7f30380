% terms_line = get('terms_line', '')
% if terms_line:
<section class="card quiet terms" aria-labelledby="terms-h">
  <h2 id="terms-h">{{_("Terms and permission")}}</h2>
  <p class="terms-line">{{terms_line}}</p>
</section>
% end
