% rebase('base.tpl', page_id='mine')
% state_words = {'pending': _('Waiting for payment'), 'paid': _('Paid'), 'expired': _('Expired'), 'cancelled': _('Cancelled')}
<section class="card">
  <h1>{{_("My tickets")}}</h1>
  <p class="hint">{{_("Enter your mobile number and the reference of one of your bookings (like LD-7K3Q2P) to see your bookings.")}}</p>
% if errors.get('form'):
  <div class="msg error" role="alert">{{_e(errors['form'])}}</div>
% end
  <form method="post" action="/mine" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field{{' bad' if errors.get('mobile') else ''}}">
      <label for="mobile">{{_("Mobile number")}}</label>
      <input id="mobile" name="mobile" type="tel" inputmode="tel" autocomplete="tel-national" maxlength="20" value="{{mobile}}"
% if errors.get('mobile'):
        aria-invalid="true" aria-describedby="mobile-err"
% end
      >
% if errors.get('mobile'):
      <p class="err" id="mobile-err">{{_e(errors['mobile'])}}</p>
% end
    </div>
    <div class="field{{' bad' if errors.get('reference') else ''}}">
      <label for="reference">{{_("Booking reference")}}</label>
      <input id="reference" name="reference" type="text" autocapitalize="characters" maxlength="20" placeholder="LD-7K3Q2P" value="{{reference}}"
% if errors.get('reference'):
        aria-invalid="true" aria-describedby="reference-err"
% end
      >
% if errors.get('reference'):
      <p class="err" id="reference-err">{{_e(errors['reference'])}}</p>
% end
    </div>
    <button class="btn big" type="submit">{{_("Show my bookings")}}</button>
  </form>
</section>
% if orders:
<section class="card" aria-labelledby="list-h">
  <h2 id="list-h">{{_("Your bookings")}}</h2>
  <ul class="bookings">
% for o in orders:
    <li class="bk {{o['state']}}">
      <p class="bk-top"><strong>{{o['reference']}}</strong> <span class="badge {{o['state']}}">{{state_words.get(o['state'], o['state_word'])}}</span></p>
      <p>{{!_h("Numbers <strong>%(numbers)s</strong> · %(amount)s", numbers=o['numbers'], amount=o['amount'])}}</p>
      <p class="hint">{{o['when']}}</p>
%   if o['state'] == 'paid':
      <a href="/done/{{o['session_id']}}">{{_("View receipt")}}</a>
%   elif o['state'] == 'pending':
      <a href="/pay/{{o['session_id']}}">{{_("Go to payment")}}</a>
%   end
    </li>
% end
  </ul>
</section>
% end
