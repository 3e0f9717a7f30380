% public = get('public')
% if public and (public['prizes'] or public['announcement']):
<section class="card plan" aria-labelledby="plan-h">
  <h2 id="plan-h">{{_("Prizes and the draw")}}</h2>
%   if public['prizes']:
  <p>{{_('Prizes, in the order they are drawn:') if len(public['prizes']) > 1 else _('Prize:')}}</p>
  <ol class="planlist">
%     for p in public['prizes']:
    <li>{{p}}</li>
%     end
  </ol>
%     if public['one_prize_per_buyer']:
  <p class="hint">{{_("One prize per buyer: once a buyer wins, their other tickets leave the draw.")}}</p>
%     end
%   end
%   if public['announcement']:
%     if get('announced_at'):
  <p>{{!_h("Public value: <strong>%(value)s</strong> (announced %(when)s).", value=public['announcement'], when=announced_at)}}
%     else:
  <p>{{!_h("Public value: <strong>%(value)s</strong>.", value=public['announcement'])}}
%     end
    {{_("It is mixed into the draw with the secret seed, so nobody, the organiser included, could know the winners in advance.")}}</p>
%   end
</section>
% end
