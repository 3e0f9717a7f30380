% rebase('base.tpl', page_id='pay', refresh=10)
<section class="payhead">
  <p class="kicker">{{!_h("Pay to confirm booking <strong>%(reference)s</strong>", reference=order.reference)}}</p>
  <p class="amount" id="amount">{{amount}}</p>
% if not order.amount_unique:
  <p class="why">{{!_h("Please pay exactly <strong>%(amount)s</strong> and write <strong>%(reference)s</strong> in the payment note, so the organiser can find your booking.", amount=amount, reference=order.reference)}}</p>
% elif offset:
  <p class="why">{{!_nh("Why <strong>%(amount)s</strong> and not %(base)s? The extra %(n)s paisa makes your amount different from every other buyer's, so your payment is matched to your booking the moment it arrives. Please pay exactly <strong>%(amount)s</strong>.", "Why <strong>%(amount)s</strong> and not %(base)s? The extra %(n)s paise make your amount different from every other buyer's, so your payment is matched to your booking the moment it arrives. Please pay exactly <strong>%(amount)s</strong>.", offset, amount=amount, base=base)}}</p>
% else:
  <p class="why">{{!_h("Please pay exactly <strong>%(amount)s</strong>, to the paisa: the exact amount is how your payment is matched to your booking.", amount=amount)}}</p>
% end
</section>
<section class="card status" aria-labelledby="status-h">
  <h2 id="status-h" class="vh">{{_("Status")}}</h2>
  <p id="status" role="status" aria-live="polite" data-session="{{order.session_id}}" data-seconds="{{seconds}}">
    <span class="dot" aria-hidden="true"></span> {{_("Waiting for your payment…")}}
  </p>
  <p class="countdown">{{!_h("Numbers held for you until <strong>%(time)s</strong>", time=ends)}}<span class="js-only"> · {{!_h('<span id="countdown" aria-live="off">%(left)s</span> left', left='%d:%02d' % divmod(seconds, 60))}}</span></p>
</section>
<section class="card qrcard">
  <h2>{{_("Scan or save the QR code")}}</h2>
  <div class="qr">{{!localise_qr(qr)}}</div>
  <div class="actions">
    <a class="btn" href="/pay/{{order.session_id}}/qr.png" download="lucky-draw-{{order.reference}}.png">{{_("Save QR")}}</a>
    <a class="btn ghost" href="{{upi}}">{{_("Open UPI app")}}</a>
  </div>
  <p class="hint">{{!_h("On this phone? Tap <strong>Save QR</strong>, then in your UPI app choose “Scan QR” → gallery and pick the saved image. Some apps refuse “Open UPI app” links to personal UPI IDs; if yours does, use the QR or pay by UPI ID below.")}}</p>
</section>
<section class="card" aria-labelledby="details-h">
  <h2 id="details-h">{{_("Or pay by UPI ID")}}</h2>
  <dl class="copylist">
    <div><dt>{{_("UPI ID")}}</dt><dd><span class="val" id="vpa">{{draw.payee_vpa}}</span> <button type="button" class="copy js-only" data-copy="{{draw.payee_vpa}}" aria-label="{{_('Copy UPI ID')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Name")}}</dt><dd><span class="val">{{draw.payee_name}}</span></dd></div>
    <div><dt>{{_("Amount")}}</dt><dd><span class="val">{{amount}}</span> <button type="button" class="copy js-only" data-copy="{{amount_plain}}" aria-label="{{_('Copy amount')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Reference")}}</dt><dd><span class="val">{{order.reference}}</span> <button type="button" class="copy js-only" data-copy="{{order.reference}}" aria-label="{{_('Copy reference')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Numbers")}}</dt><dd><span class="val">{{numbers}}</span></dd></div>
  </dl>
  <p class="hint">{{_("Put the reference in the payment note if your app lets you. This page moves on by itself once your payment is seen; keep it open.")}}</p>
</section>
<section class="card quiet">
  <form method="post" action="/pay/{{order.session_id}}/cancel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p class="hint">{{_("Not paid yet and want different numbers?")}}</p>
    <button class="btn ghost" type="submit">{{_("Start again")}}</button>
  </form>
</section>
