% # "Was my ticket in the draw?": a GET form (works without the script) answered on the same page.
% if get('check'):
%   answer = check['answer']
<section class="card lookup" id="check" aria-labelledby="check-h">
  <h2 id="check-h">{{_("Was my ticket in the draw?")}}</h2>
  <form method="get" action="{{check['action']}}#check" novalidate>
    <label for="q">{{_("Booking reference or ticket number")}}</label>
    <div class="row">
      <input id="q" name="q" type="text" autocapitalize="characters" autocomplete="off" spellcheck="false" maxlength="40" placeholder="LD-7K3Q2P" value="{{check['typed']}}" aria-describedby="{{'q-err' if check['error'] else 'q-hint'}}"{{!' aria-invalid="true"' if check['error'] else ''}}>
      <button class="btn" type="submit">{{_("Check")}}</button>
    </div>
%   if check['error']:
    <p class="err" id="q-err" role="alert">{{_e(check['error'])}}</p>
%   else:
    <p class="hint" id="q-hint">{{_("The reference is on your receipt and in your payment note. A ticket number shows that one ticket only.")}}</p>
%   end
  </form>
%   if answer and not answer.drawn:
  <p class="msg info" role="status" id="check-answer">{{_("The results are not out yet: the winners of %(draw)s have not been drawn. Check again after the draw.", draw=answer.draw_name)}}</p>
%   elif answer:
%     won = [t for t in answer.tickets if t.prizes]
  <div class="answer{{' won' if won else ''}}" role="status" id="check-answer">
%     if answer.kind == 'ticket':
%       t = answer.tickets[0]
    <p class="lead">{{_("Ticket %(ticket)s is on the published list of sold tickets: it was in the draw.", ticket=t.label) if t.in_draw else _("Ticket %(ticket)s is not on the published list of sold tickets: it was not in the draw.", ticket=t.label)}}</p>
%     elif answer.paid:
    <p class="lead">{{_("Booking %(reference)s was paid. Its numbers:", reference=answer.reference)}}</p>
%     else:
    <p class="lead">{{_("Booking %(reference)s was not paid, so its numbers were not in the draw:", reference=answer.reference)}}</p>
%     end
    <ul class="entries">
%     for t in answer.tickets:
      <li><span class="ticket"><span class="vh">{{_("Ticket")}} </span>{{t.label}}</span>
        <span class="what">
%       if t.prizes:
%         for prize in t.prizes:
          <strong class="prize-won">{{_("Won: %(prize)s", prize=prize)}}</strong>
%         end
%       elif t.in_draw:
          {{_("In the draw, no prize")}}
%       else:
          {{_("Not in the draw")}}
%       end
%       for prize, drawing in t.redrawn:
          <span class="redrawn">{{_("Drawn for %(prize)s in drawing %(drawing)s; that prize was drawn again.", prize=prize, drawing=drawing)}}</span>
%       end
        </span></li>
%     end
    </ul>
%     if won:
    <p class="hint">{{_("Congratulations! Show your receipt to the organiser to claim your prize.")}}</p>
%     end
  </div>
%   end
</section>
% end
