% rebase('base.tpl', page_id='mine')
<section class="card">
  <h1>My tickets</h1>
  <p class="hint">Enter your mobile number and the reference of one of your bookings (like LD-7K3Q2P) to see your bookings.</p>
% if errors.get('form'):
  <div class="msg error" role="alert">{{errors['form']}}</div>
% end
  <form method="post" action="/mine" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field{{' bad' if errors.get('mobile') else ''}}">
      <label for="mobile">Mobile number</label>
      <input id="mobile" name="mobile" type="tel" inputmode="tel" autocomplete="tel-national" maxlength="20" value="{{mobile}}"
% if errors.get('mobile'):
        aria-invalid="true" aria-describedby="mobile-err"
% end
      >
% if errors.get('mobile'):
      <p class="err" id="mobile-err">{{errors['mobile']}}</p>
% end
    </div>
    <div class="field{{' bad' if errors.get('reference') else ''}}">
      <label for="reference">Booking reference</label>
      <input id="reference" name="reference" type="text" autocapitalize="characters" maxlength="20" placeholder="LD-7K3Q2P" value="{{reference}}"
% if errors.get('reference'):
        aria-invalid="true" aria-describedby="reference-err"
% end
      >
% if errors.get('reference'):
      <p class="err" id="reference-err">{{errors['reference']}}</p>
% end
    </div>
    <button class="btn big" type="submit">Show my bookings</button>
  </form>
</section>
% if orders:
<section class="card" aria-labelledby="list-h">
  <h2 id="list-h">Your bookings</h2>
  <ul class="bookings">
% for o in orders:
    <li class="bk {{o['state']}}">
      <p class="bk-top"><strong>{{o['reference']}}</strong> <span class="badge {{o['state']}}">{{o['state_word']}}</span></p>
      <p>Numbers <strong>{{o['numbers']}}</strong> · {{o['amount']}}</p>
      <p class="hint">{{o['when']}}</p>
%   if o['state'] == 'paid':
      <a href="/done/{{o['session_id']}}">View receipt</a>
%   elif o['state'] == 'pending':
      <a href="/pay/{{o['session_id']}}">Go to payment</a>
%   end
    </li>
% end
  </ul>
</section>
% end
