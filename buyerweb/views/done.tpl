% rebase('base.tpl', page_id='done')
<section class="receipt card" aria-labelledby="ok-h">
  <div class="tick" aria-hidden="true"><svg viewBox="0 0 24 24"><path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/></svg></div>
  <h1 id="ok-h">Booking confirmed</h1>
  <p class="sub">Your payment was received. Keep this receipt: take a screenshot or save the page.</p>
  <dl class="rcpt">
    <div><dt>Draw</dt><dd>{{draw.name}}</dd></div>
    <div><dt>Name</dt><dd>{{order.name}}</dd></div>
    <div><dt>Mobile</dt><dd>{{mobile}}</dd></div>
    <div class="nums"><dt>Your numbers</dt><dd><ul class="numlist">
% for n in numbers:
      <li>{{n}}</li>
% end
    </ul></dd></div>
    <div><dt>Amount paid</dt><dd>{{amount}}</dd></div>
    <div><dt>Reference</dt><dd>{{order.reference}}</dd></div>
    <div><dt>Booked</dt><dd>{{booked_at}}</dd></div>
    <div><dt>Paid</dt><dd>{{paid_at}}</dd></div>
  </dl>
  <p class="commit small">Draw commitment (SHA-256): <code>{{draw.seed_hash}}</code><br>
    The winners are picked with the secret behind this fingerprint, published before sales, so anyone can check the draw was fair.
% if drawn:
    <a href="{{results_url}}">See the winners</a>.
% elif draw.state != 'archived':
    The <a href="{{results_url}}">results page</a> will show the winners and the secret.
% end
  </p>
  <button type="button" class="btn ghost js-only" data-print>Print or save as PDF</button>
</section>
<p class="center"><a href="/">Book more numbers</a></p>
