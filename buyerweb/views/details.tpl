% rebase('base.tpl', page_id='details')
% if draw is None:
<section class="card">
  <h1>{{_("No draw is open yet")}}</h1>
  <p>{{_("The organiser has not started a lucky draw. Please check back soon.")}}</p>
</section>
% elif not open:
<section class="card closed" aria-labelledby="closed-h">
  <h1 id="closed-h">{{_("Sales are closed")}}</h1>
  <p>{{!_h('Ticket sales for <strong>%(draw)s</strong> have closed. If you booked and paid, your tickets are safe: see them under <a href="/mine">My tickets</a>.', draw=draw.name)}}</p>
%   if draw.state == 'drawn':
  <p><strong>{{_("The winners have been drawn.")}}</strong></p>
  <a class="btn big" href="/results">{{_("See the winners")}}</a>
%   else:
  <p>{{!_h('Winners will be drawn soon and shown on the <a href="/results">results page</a>, with everything needed to check that the draw was fair.')}}</p>
%   end
</section>
% include('_draw_plan.tpl')
% else:
<section class="hero">
  <h1>{{draw.name}}</h1>
  <ul class="facts">
    <li><strong>{{price}}</strong><span>{{_("per ticket")}}</span></li>
    <li><strong>{{free}}</strong><span>{{_("of %(count)s free", count=draw.ticket_count)}}</span></li>
    <li><strong>{{draw.max_per_order}}</strong><span>{{_("max per booking")}}</span></li>
  </ul>
% include('_closes.tpl')
</section>
% if waiting:
<section class="card note" aria-labelledby="waiting-h">
  <h2 id="waiting-h">{{_("Your booking is waiting for payment")}}</h2>
  <p>{{!_h("Reference <strong>%(reference)s</strong>.", reference=waiting.reference)}}</p>
  <a class="btn" href="/pay/{{waiting.session_id}}">{{_("Continue to payment")}}</a>
</section>
% end
<section class="card">
  <h2>{{_("Your details")}}</h2>
  <p class="hint">{{_("We use these only for this draw: your name goes on your tickets, your mobile finds your booking.")}}</p>
% if errors.get('form'):
  <div class="msg error" role="alert">{{_e(errors['form'])}}</div>
% end
  <form method="post" action="/start" novalidate>
    <input type="hidden" name="csrf" value="{{csrf}}">
    <div class="field{{' bad' if errors.get('name') else ''}}">
      <label for="name">{{_("Your name")}}</label>
      <input id="name" name="name" type="text" autocomplete="name" maxlength="80" required value="{{name}}"
% if errors.get('name'):
        aria-invalid="true" aria-describedby="name-err"
% end
      >
% if errors.get('name'):
      <p class="err" id="name-err">{{_e(errors['name'])}}</p>
% end
    </div>
    <div class="field{{' bad' if errors.get('mobile') else ''}}">
      <label for="mobile">{{_("Mobile number")}}</label>
      <input id="mobile" name="mobile" type="tel" inputmode="tel" autocomplete="tel-national" maxlength="20" required
             placeholder="98765 43210" value="{{mobile}}"
% if errors.get('mobile'):
        aria-invalid="true" aria-describedby="mobile-err"
% else:
        aria-describedby="mobile-hint"
% end
      >
% if errors.get('mobile'):
      <p class="err" id="mobile-err">{{_e(errors['mobile'])}}</p>
% else:
      <p class="hint" id="mobile-hint">{{_("10 digits. +91 or 0 in front is fine.")}}</p>
% end
    </div>
    <button class="btn big" type="submit">{{_("Choose your numbers")}}</button>
  </form>
</section>
% end
% if open:
% include('_draw_plan.tpl')
% end
% include('_terms.tpl')
<section class="card quiet">
  <h2>{{_("How it works")}}</h2>
  <ol class="steps">
    <li>{{_("Pick your lucky numbers.")}}</li>
    <li>{{_("Pay the exact amount shown with any UPI app.")}}</li>
    <li>{{_("Your booking is confirmed on this page within seconds of the organiser seeing the money.")}}</li>
    <li>{{!_h('After sales close, the winners are drawn in a way anyone can check: see the <a href="/results">results page</a>.')}}</li>
  </ol>
</section>
