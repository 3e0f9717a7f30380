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
    <span class="dot" aria-hidden="true"></span> <span class="js-only">{{_("Waiting for your payment… (checked just now)")}}</span><span class="nojs-only">{{_("Waiting for your payment…")}}</span>
  </p>
  <p class="countdown">{{!_h("Numbers held for you until <strong>%(time)s</strong>", time=ends)}}<span class="js-only"> · {{!_h('<span id="countdown" aria-live="off">%(left)s</span> left', left='%d:%02d' % divmod(seconds, 60))}}</span></p>
</section>
<section class="card payto" aria-labelledby="payto-h">
  <h2 id="payto-h">{{_("Pay to UPI ID")}}</h2>
  <dl class="copylist">
    <div><dt>{{_("UPI ID")}}</dt><dd><span class="val sel" id="vpa">{{draw.payee_vpa}}</span> <button type="button" class="copy js-only" data-copy="{{draw.payee_vpa}}" data-done="{{_('Copied')}}" aria-label="{{_('Copy UPI ID')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Amount")}}</dt><dd><span class="val sel" id="pay-amount">{{amount}}</span> <button type="button" class="copy js-only" data-copy="{{amount_plain}}" data-done="{{_('Copied')}}" aria-label="{{_('Copy amount')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Name")}}</dt><dd><span class="val">{{draw.payee_name}}</span></dd></div>
    <div><dt>{{_("Note")}}</dt><dd><span class="val sel">{{order.reference}}</span> <button type="button" class="copy js-only" data-copy="{{order.reference}}" data-done="{{_('Copied')}}" aria-label="{{_('Copy reference')}}">{{_("Copy")}}</button></dd></div>
    <div><dt>{{_("Numbers")}}</dt><dd><span class="val">{{numbers}}</span></dd></div>
  </dl>
  <p class="hint">{{_("Open your UPI app, choose “pay to UPI ID”, paste the UPI ID, then the exact amount. Put the reference in the note if your app lets you.")}}</p>
  <details class="steps">
    <summary>Google Pay</summary>
    <p>{{!_h("Home → <strong>Pay UPI ID or number</strong> → paste the UPI ID → <strong>Pay</strong> → enter the amount.")}}</p>
  </details>
  <details class="steps">
    <summary>PhonePe</summary>
    <p>{{!_h("Home → Money Transfers → <strong>To Bank/UPI ID</strong> → <strong>UPI ID</strong> → paste it → enter the amount.")}}</p>
  </details>
  <details class="steps">
    <summary>Paytm</summary>
    <p>{{!_h("Home → UPI Money Transfer → <strong>To Bank A/c or UPI ID</strong> → <strong>UPI ID</strong> → paste it → enter the amount.")}}</p>
  </details>
  <details class="steps">
    <summary>BHIM</summary>
    <p>{{!_h("Home → <strong>Send</strong> → paste the UPI ID → <strong>Verify</strong> → enter the amount.")}}</p>
  </details>
</section>
<section class="card qrcard" aria-labelledby="qr-h">
  <h2 id="qr-h">{{_("Or scan the QR code")}}</h2>
  <p class="hint">{{_("From another phone, or print it as a poster.")}}</p>
  <div class="qr">{{!localise_qr(qr)}}</div>
  <div class="actions">
% if save_qr:
    <a class="btn" href="/pay/{{order.session_id}}/qr.png" download="lucky-draw-{{order.reference}}.png">{{_("Save QR")}}</a>
% end
% if merchant:
    <a class="btn ghost" href="{{upi}}" id="open-upi">{{_("Open UPI app")}}</a>
% end
  </div>
% if not save_qr:
  <p class="hint" id="no-save">{{_("Save QR is not offered: UPI apps refuse to pay a person more than %(cap)s from a QR saved to the gallery. Pay to the UPI ID above.", cap=cap)}}</p>
% elif not merchant:
  <p class="hint">{{!_h("On this phone? Tap <strong>Save QR</strong>, then in your UPI app choose “Scan QR” → gallery and pick the saved image.")}}</p>
% end
</section>
% include('_claim.tpl')
<section class="card quiet">
  <p class="hint">{{_("This page moves on by itself once your payment is seen; keep it open.")}}</p>
% if can_cancel:
  <form method="post" action="/pay/{{order.session_id}}/cancel">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <p class="hint">{{_("Not paid yet and want different numbers?")}}</p>
    <button class="btn ghost" type="submit">{{_("Start again")}}</button>
  </form>
% end
</section>
