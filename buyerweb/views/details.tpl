% rebase('base.tpl', page_id='details')
% if draw is None:
<section class="card">
  <h1>No draw is open yet</h1>
  <p>The organiser has not started a lucky draw. Please check back soon.</p>
</section>
% elif not open:
<section class="card closed" aria-labelledby="closed-h">
  <h1 id="closed-h">Sales are closed</h1>
  <p>Ticket sales for <strong>{{draw.name}}</strong> have closed. If you booked and paid, your tickets are safe:
    see them under <a href="/mine">My tickets</a>.</p>
%   if draw.state == 'drawn':
  <p><strong>The winners have been drawn.</strong></p>
  <a class="btn big" href="/results">See the winners</a>
%   else:
  <p>Winners will be drawn soon and shown on the <a href="/results">results page</a>, with everything needed to
    check that the draw was fair.</p>
%   end
</section>
% include('_draw_plan.tpl')
% else:
<section class="hero">
  <h1>{{draw.name}}</h1>
  <ul class="facts">
    <li><strong>{{price}}</strong><span>per ticket</span></li>
    <li><strong>{{free}}</strong><span>of {{draw.ticket_count}} free</span></li>
    <li><strong>{{draw.max_per_order}}</strong><span>max per booking</span></li>
  </ul>
</section>
% if waiting:
<section class="card note" aria-labelledby="waiting-h">
  <h2 id="waiting-h">Your booking is waiting for payment</h2>
  <p>Reference <strong>{{waiting.reference}}</strong>.</p>
  <a class="btn" href="/pay/{{waiting.session_id}}">Continue to payment</a>
</section>
% end
<section class="card">
  <h2>Your details</h2>
  <p class="hint">We use these only for this draw: your name goes on your tickets, your mobile finds your booking.</p>
% if errors.get('form'):
  <div class="msg error" role="alert">{{errors['form']}}</div>
% end
  <form method="post" action="/start" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field{{' bad' if errors.get('name') else ''}}">
      <label for="name">Your name</label>
      <input id="name" name="name" type="text" autocomplete="name" maxlength="80" required value="{{name}}"
% if errors.get('name'):
        aria-invalid="true" aria-describedby="name-err"
% end
      >
% if errors.get('name'):
      <p class="err" id="name-err">{{errors['name']}}</p>
% end
    </div>
    <div class="field{{' bad' if errors.get('mobile') else ''}}">
      <label for="mobile">Mobile number</label>
      <input id="mobile" name="mobile" type="tel" inputmode="tel" autocomplete="tel-national" maxlength="20" required
             placeholder="98765 43210" value="{{mobile}}"
% if errors.get('mobile'):
        aria-invalid="true" aria-describedby="mobile-err"
% else:
        aria-describedby="mobile-hint"
% end
      >
% if errors.get('mobile'):
      <p class="err" id="mobile-err">{{errors['mobile']}}</p>
% else:
      <p class="hint" id="mobile-hint">10 digits. +91 or 0 in front is fine.</p>
% end
    </div>
    <button class="btn big" type="submit">Choose your numbers</button>
  </form>
</section>
% end
% if open:
% include('_draw_plan.tpl')
% end
<section class="card quiet">
  <h2>How it works</h2>
  <ol class="steps">
    <li>Pick your lucky numbers.</li>
    <li>Pay the exact amount shown with any UPI app.</li>
    <li>Your booking is confirmed on this page within seconds of the organiser seeing the money.</li>
    <li>After sales close, the winners are drawn in a way anyone can check: see the <a href="/results">results page</a>.</li>
  </ol>
</section>
