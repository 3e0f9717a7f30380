% rebase('base.tpl', page_id='results', description=_("The winner draw of %(draw)s: the prizes, the winners and everything needed to check the draw yourself.", draw=draw.name) if draw else None)
% if public is None:
<section class="card">
  <h1>{{_("No draw yet")}}</h1>
  <p>{{_("The organiser has not started a lucky draw. Please check back soon.")}}</p>
</section>
% elif pub is None:
<section class="card{{' closed' if not public['sales_open'] else ''}}" aria-labelledby="res-h">
  <h1 id="res-h">{{_('Winners not drawn yet') if not public['sales_open'] else _('The winner draw')}}</h1>
%   if public['sales_open']:
  <p>{{!_h("Tickets for <strong>%(draw)s</strong> are on sale. The winners will be drawn after sales close, and this page will then show them with everything needed to check the draw.", draw=draw.name)}}</p>
% include('_closes.tpl')
%   elif closed_at:
  <p>{{!_h("<strong>Sales are closed</strong> (%(when)s). The winners of <strong>%(draw)s</strong> have not been drawn yet: they will appear on this page.", when=closed_at, draw=draw.name)}}</p>
%   else:
  <p>{{!_h("<strong>Sales are closed</strong>. The winners of <strong>%(draw)s</strong> have not been drawn yet: they will appear on this page.", draw=draw.name)}}</p>
%   end
</section>
%   include('_ticket_check.tpl')
%   include('_draw_plan.tpl')
<section class="card" aria-labelledby="fair-h">
  <h2 id="fair-h">{{_("Why nobody can pick the winners by hand")}}</h2>
  <p>{{!_h("Before the first ticket was sold, the organiser fixed a secret number (the seed) and published its SHA-256 fingerprint, the <strong>commitment</strong>:")}}</p>
  <p><code class="hash big">{{public['commitment']}}</code></p>
%   if public['announcement']:
  <p class="hint">{{_("At the draw the seed is revealed here. Anyone can then check that it has this fingerprint, and recompute every winner from the seed, the announced public value and the list of sold tickets.")}}</p>
%   else:
  <p class="hint">{{_("At the draw the seed is revealed here. Anyone can then check that it has this fingerprint, and recompute every winner from the seed and the list of sold tickets.")}}</p>
%   end
</section>
% else:
<section class="card winners" aria-labelledby="win-h">
  <h1 id="win-h">{{_("Winners")}}</h1>
  <p class="sub">{{draw.name}} ({{_("draw #%(number)s", number=draw.id)}}{{(", " + _("archived")) if archived else ""}}) · {{_("drawn %(when)s", when=drawn_at)}}</p>
  <ol class="prizes">
%   for w in winners:
    <li class="prize">
      <p class="prize-name">{{w['prize']}}</p>
      <p class="prize-win"><span class="ticket"><span class="vh">{{_("Ticket")}} </span>{{w['label']}}</span> <span class="who">{{w['name']}}</span></p>
%     if w['earlier']:
%       if w['reason']:
      <p class="redraw">{{_("Redrawn in drawing %(drawing)s: %(reason)s.", drawing=w['drawing'], reason=w['reason'])}}</p>
%       else:
      <p class="redraw">{{_("Redrawn in drawing %(drawing)s.", drawing=w['drawing'])}}</p>
%       end
      <ul class="earlier" aria-label="{{_('Earlier winners of this prize')}}">
%       for e in w['earlier']:
        <li>{{_("Drawing %(drawing)s:", drawing=e['drawing'])}} <del>{{!_h('<span class="vh">was </span>ticket %(ticket)s · %(name)s', ticket=e['label'], name=e['name'])}}</del></li>
%       end
      </ul>
%     end
    </li>
%   end
  </ol>
%   if redrawn:
  <p class="hint">{{_("A prize that was not claimed is drawn again as a new numbered drawing from the same inputs, leaving out every earlier winner; earlier drawings stay on record.")}}</p>
%   end
</section>
%   include('_ticket_check.tpl')
<section class="card proof" aria-labelledby="proof-h">
  <h2 id="proof-h">{{_("How the winners were picked")}}</h2>
  <dl class="facts-list">
    <div><dt>{{_("Commitment (SHA-256 of the seed, published before sales)")}}</dt><dd><code class="hash">{{doc['commitment']}}</code></dd></div>
    <div><dt>{{_("Seed, revealed at the draw")}}</dt><dd><code class="hash">{{doc['seed']}}</code></dd></div>
  </dl>
%   if pub.commitment_ok:
  <p class="check ok"><strong><span aria-hidden="true">✓</span> SHA-256({{_("seed")}}) = {{_("commitment")}}</strong>
    <span>{{_("The revealed seed is the one fixed before sales (checked by this site; check it yourself below).")}}</span></p>
%   else:
  <p class="check bad"><strong><span aria-hidden="true">✗</span> SHA-256({{_("seed")}}) ≠ {{_("commitment")}}</strong>
    <span>{{_("The revealed seed is not the one fixed before sales.")}}</span></p>
%   end
  <dl class="facts-list">
%   if doc['public_value']:
%     if doc['public_value_description']:
    <div><dt>{{_("Public value (%(description)s)", description=doc['public_value_description'])}}</dt><dd><code class="hash">{{doc['public_value']}}</code></dd></div>
%     else:
    <div><dt>{{_("Public value")}}</dt><dd><code class="hash">{{doc['public_value']}}</code></dd></div>
%     end
%     if announced_at:
    <div><dt>{{_("Announced")}}</dt><dd>{{announced_at}}</dd></div>
%     end
%   else:
    <div><dt>{{_("Public value")}}</dt><dd>{{_("none (none was announced when sales closed)")}}</dd></div>
%   end
    <div><dt>{{_("Tickets in the draw")}}</dt><dd>{{doc['sold_count']}}</dd></div>
    <div><dt>{{_("List hash (SHA-256 of the sold list)")}}</dt><dd><code class="hash">{{doc['list_hash']}}</code></dd></div>
%   if closed_at:
    <div><dt>{{_("Sales closed")}}</dt><dd>{{closed_at}}</dd></div>
%   end
%   if last_sale_at:
    <div><dt>{{_("Last ticket paid")}}</dt><dd>{{last_sale_at}}</dd></div>
%   end
    <div><dt>{{_("Drawn")}}</dt><dd>{{drawn_at}}</dd></div>
  </dl>
  <div class="actions">
    <a class="btn" href="{{json_url}}" download="{{file_name}}">{{_("Results file")}}</a>
    <a class="btn ghost" href="{{sold_url}}" download="sold-tickets-draw-{{draw.id}}.txt">{{_("Sold tickets")}}</a>
  </div>
  <p class="hint">{{!_h("The sold-tickets list is the exact text that was hashed: one ticket number a line. Its SHA-256 (<code>sha256sum</code>) is the list hash above.")}}</p>
</section>
<section class="card note verify" aria-labelledby="verify-h">
  <h2 id="verify-h">{{_("Verify it yourself")}}</h2>
  <ol class="steps">
    <li>{{!_h('Download the <a href="%(json)s" download="%(file)s">results file</a> and the checker <a href="/verify_draw.py" download="verify_draw.py">verify_draw.py</a> into one folder.', file=file_name, json=json_url)}}</li>
    <li>{{_("Run it (it needs only Python 3):")}}</li>
  </ol>
  <pre class="cmd"><code>python verify_draw.py {{file_name}}</code></pre>
  <p class="hint">{{!_h("It recomputes the commitment, the list hash and every winner, and ends with <strong>ALL MATCH</strong> when everything agrees.")}}</p>
</section>
% end
% include('_terms.tpl')
% if earlier:
<section class="card" aria-labelledby="earlier-h">
  <h2 id="earlier-h">{{_("Earlier draws")}}</h2>
  <ul class="earlier-draws">
%   for e in earlier:
    <li><a href="{{e['url']}}">{{e['name']}}</a> ({{_("draw #%(number)s", number=e['id'])}})</li>
%   end
  </ul>
</section>
% end
