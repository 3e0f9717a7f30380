% rebase('base.tpl', page_id='done')
<section class="receipt card" aria-labelledby="ok-h">
  <div class="tick" aria-hidden="true"><svg viewBox="0 0 24 24"><path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/></svg></div>
  <h1 id="ok-h">{{_("Booking confirmed")}}</h1>
  <p class="sub">{{_("Your payment was received. Keep this receipt: take a screenshot or save the page.")}}</p>
  <dl class="rcpt">
    <div><dt>{{_("Draw")}}</dt><dd>{{draw.name}}</dd></div>
    <div><dt>{{_("Name")}}</dt><dd>{{order.name}}</dd></div>
    <div><dt>{{_("Mobile")}}</dt><dd>{{mobile}}</dd></div>
    <div class="nums"><dt>{{_("Your numbers")}}</dt><dd><ul class="numlist">
% for n in numbers:
      <li>{{n}}</li>
% end
    </ul></dd></div>
    <div><dt>{{_("Amount paid")}}</dt><dd>{{amount}}</dd></div>
    <div><dt>{{_("Reference")}}</dt><dd>{{order.reference}}</dd></div>
    <div><dt>{{_("Booked")}}</dt><dd>{{booked_at}}</dd></div>
    <div><dt>{{_("Paid")}}</dt><dd>{{paid_at}}</dd></div>
  </dl>
% include('_closes.tpl')
% if terms_line:
  <div class="rcpt-terms">
    <h2>{{_("Terms and permission")}}</h2>
    <p class="terms-line">{{terms_line}}</p>
  </div>
% end
  <p class="commit small">{{_("Draw commitment (SHA-256):")}} <code>{{draw.seed_hash}}</code><br>
    {{_("The winners are picked with the secret behind this fingerprint, published before sales, so anyone can check the draw was fair.")}}
% if drawn:
    <a href="{{results_url}}">{{_("See the winners")}}</a>.
% elif draw.state != 'archived':
    {{!_h('The <a href="%(url)s">results page</a> will show the winners and the secret.', url=results_url)}}
% end
  </p>
  <div class="receipt-actions">
    <a class="btn wa" href="{{whatsapp_url}}" id="share-wa" target="_blank" rel="noopener noreferrer">{{_("Share on WhatsApp")}}</a>
    <button type="button" class="btn ghost js-only" data-print>{{_("Print or save as PDF")}}</button>
  </div>
</section>
<p class="center"><a href="/">{{_("Book more numbers")}}</a></p>
