% public = get('public')
% if public and (public['prizes'] or public['announcement']):
<section class="card plan" aria-labelledby="plan-h">
  <h2 id="plan-h">Prizes and the draw</h2>
%   if public['prizes']:
  <p>{{'Prizes, in the order they are drawn:' if len(public['prizes']) > 1 else 'Prize:'}}</p>
  <ol class="planlist">
%     for p in public['prizes']:
    <li>{{p}}</li>
%     end
  </ol>
%     if public['one_prize_per_buyer']:
  <p class="hint">One prize per buyer: once a buyer wins, their other tickets leave the draw.</p>
%     end
%   end
%   if public['announcement']:
  <p>Public value: <strong>{{public['announcement']}}</strong>{{' (announced ' + get('announced_at') + ')' if get('announced_at') else ''}}.
    It is mixed into the draw with the secret seed, so nobody, the organiser included, could know the winners in advance.</p>
%   end
</section>
% end
