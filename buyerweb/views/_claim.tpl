<section class="card claim" id="utr" aria-labelledby="utr-h">
  <h2 id="utr-h">{{_("Paid? Enter the 12-digit UPI reference")}}</h2>
% if claimed:
  <p class="msg info" role="status" id="claim-ok">{{!_h('We have your UPI reference <strong class="val">%(utr)s</strong>. It helps the organiser find your payment; your booking is confirmed when the money is seen. You can correct it below.', utr=claimed)}}</p>
% end
  <form method="post" action="{{claim_action}}" id="claim-form" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <label for="utr-in">{{_("UPI reference (UTR), 12 digits")}}</label>
    <div class="row">
      <input id="utr-in" name="utr" type="text" inputmode="numeric" autocomplete="off" maxlength="20" placeholder="4123 4567 8901" value="{{typed}}" aria-describedby="utr-hint{{' utr-err' if claim_error else ''}}"{{!' aria-invalid="true"' if claim_error else ''}}>
      <button class="btn" type="submit">{{_('Update') if claimed else _('Send')}}</button>
    </div>
% if claim_error:
    <p class="msg error" id="utr-err" role="alert">{{_e(claim_error)}}</p>
% else:
    <p class="msg error" id="utr-err" role="alert" hidden></p>
% end
    <p class="hint" id="utr-hint">{{_("Find it in the payment's details: “UPI transaction ID” (GPay), “UTR” (PhonePe), “UPI Ref. No.” (Paytm), “UPI Ref. ID” (BHIM).")}}</p>
  </form>
</section>
