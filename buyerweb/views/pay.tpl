% rebase('base.tpl', page_id='pay', refresh=10)
<section class="payhead">
  <p class="kicker">Pay to confirm booking <strong>{{order.reference}}</strong></p>
  <p class="amount" id="amount">{{amount}}</p>
% if not order.amount_unique:
  <p class="why">Please pay exactly <strong>{{amount}}</strong> and write <strong>{{order.reference}}</strong> in the payment note, so the organiser can find your booking.</p>
% elif offset:
  <p class="why">Why <strong>{{amount}}</strong> and not {{base}}? The extra {{offset}} paise make your amount different from every other buyer's, so your payment is matched to your booking the moment it arrives. Please pay exactly <strong>{{amount}}</strong>.</p>
% else:
  <p class="why">Please pay exactly <strong>{{amount}}</strong>, to the paisa: the exact amount is how your payment is matched to your booking.</p>
% end
</section>
<section class="card status" aria-labelledby="status-h">
  <h2 id="status-h" class="vh">Status</h2>
  <p id="status" role="status" aria-live="polite" data-session="{{order.session_id}}" data-seconds="{{seconds}}">
    <span class="dot" aria-hidden="true"></span> Waiting for your payment…
  </p>
  <p class="countdown">Numbers held for you until <strong>{{ends}}</strong><span class="js-only"> · <span id="countdown" aria-live="off">{{'%d:%02d' % divmod(seconds, 60)}}</span> left</span></p>
</section>
<section class="card qrcard">
  <h2>Scan or save the QR code</h2>
  <div class="qr">{{!qr}}</div>
  <div class="actions">
    <a class="btn" href="/pay/{{order.session_id}}/qr.png" download="lucky-draw-{{order.reference}}.png">Save QR</a>
    <a class="btn ghost" href="{{upi}}">Open UPI app</a>
  </div>
  <p class="hint">On this phone? Tap <strong>Save QR</strong>, then in your UPI app choose “Scan QR” → gallery and pick the saved image. Some apps refuse “Open UPI app” links to personal UPI IDs; if yours does, use the QR or pay by UPI ID below.</p>
</section>
<section class="card" aria-labelledby="details-h">
  <h2 id="details-h">Or pay by UPI ID</h2>
  <dl class="copylist">
    <div><dt>UPI ID</dt><dd><span class="val" id="vpa">{{draw.payee_vpa}}</span> <button type="button" class="copy js-only" data-copy="{{draw.payee_vpa}}" aria-label="Copy UPI ID">Copy</button></dd></div>
    <div><dt>Name</dt><dd><span class="val">{{draw.payee_name}}</span></dd></div>
    <div><dt>Amount</dt><dd><span class="val">{{amount}}</span> <button type="button" class="copy js-only" data-copy="{{amount_plain}}" aria-label="Copy amount">Copy</button></dd></div>
    <div><dt>Reference</dt><dd><span class="val">{{order.reference}}</span> <button type="button" class="copy js-only" data-copy="{{order.reference}}" aria-label="Copy reference">Copy</button></dd></div>
    <div><dt>Numbers</dt><dd><span class="val">{{numbers}}</span></dd></div>
  </dl>
  <p class="hint">Put the reference in the payment note if your app lets you. This page moves on by itself once your payment is seen; keep it open.</p>
</section>
% if can_cancel:
<section class="card quiet">
  <form method="post" action="/pay/{{order.session_id}}/cancel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p class="hint">Not paid yet and want different numbers?</p>
    <button class="btn ghost" type="submit">Start again</button>
  </form>
</section>
% end
