% rebase('base.tpl', page_id='pick')
<section class="intro">
  <h1>Choose your numbers</h1>
  <p class="sub">Hi {{buyer['n']}} · {{price}} a ticket · up to {{draw.max_per_order}} numbers · <a href="/">change details</a></p>
</section>
% include('_message.tpl')
% if not open:
<div class="msg error" role="alert">Sales are closed for this draw. No new bookings can be made.</div>
% end
<form id="pick" class="pick" method="post" action="/pick" novalidate
      data-max="{{draw.max_per_order}}" data-price="{{draw.price_paise}}" data-width="{{draw.width}}"
      data-count="{{draw.ticket_count}}" data-lo="{{lo}}" data-hi="{{hi}}" data-name="{{buyer['n']}}"
      data-mobile="{{buyer['m']}}" data-focus="{{focus or ''}}">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="r" value="{{range_index}}">
  <div class="tools card">
    <div class="tool">
      <label for="jump">Find a number</label>
      <div class="row">
        <input id="jump" name="jump" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="6" placeholder="{{label(1)}}">
        <button class="btn ghost" type="submit" name="action" value="jump">Find</button>
      </div>
    </div>
    <div class="tool">
      <label for="dip">Lucky dip</label>
      <div class="row">
        <select id="dip" name="dip">
% for n in (1, 2, 3, 5, 10):
%   if n <= draw.max_per_order:
          <option value="{{n}}">{{n}} number{{'s' if n > 1 else ''}}</option>
%   end
% end
        </select>
        <button class="btn ghost" type="submit" name="action" value="dip" id="dip-btn">Pick for me</button>
      </div>
    </div>
  </div>
  <p class="counts" id="counts"><span id="free-count">{{free}}</span> free · <span id="sold-count">{{sold}}</span> sold · <span id="held-count">{{held}}</span> on hold</p>
  <ul class="legend" aria-label="What the colours mean">
    <li><span class="sw free"></span>Free</li><li><span class="sw mine"></span>Your pick</li>
    <li><span class="sw held"></span>On hold</li><li><span class="sw sold"></span>Sold</li>
  </ul>
% if big:
  <nav class="ranges" aria-label="Ticket ranges">
    <button class="btn ghost small" type="submit" name="action" value="prev" {{'disabled' if range_index == 0 else ''}} aria-label="Previous {{len(range(lo, hi + 1))}} numbers">‹ Prev</button>
%   if len(ranges) <= max_range_options:
    <label class="vh" for="range">Show numbers</label>
    <select id="range" name="range" data-autosubmit="range-go">
%     for i, (a, b) in enumerate(ranges):
      <option value="{{i}}" {{'selected' if i == range_index else ''}}>{{label(a)}}–{{label(b)}}</option>
%     end
    </select>
    <button class="btn ghost small nojs-only" type="submit" name="action" value="range" id="range-go">Show</button>
%   else:
    <span class="range-now">{{label(lo)}}–{{label(hi)}}</span>
%   end
    <button class="btn ghost small" type="submit" name="action" value="next" {{'disabled' if range_index >= len(ranges) - 1 else ''}} aria-label="Next numbers">Next ›</button>
  </nav>
% end
  <fieldset class="gridbox">
    <legend class="vh">Ticket numbers {{label(lo)}} to {{label(hi)}}</legend>
    <div class="grid" id="grid">{{!cells_html}}</div>
  </fieldset>
  <div id="hidden-picks">
% for n in hidden:
    <input type="hidden" name="t" value="{{n}}">
% end
  </div>
  <div class="bar" id="bar">
    <div class="sel">
      <p class="total"><span id="sel-count">{{len(selected)}}</span> of {{draw.max_per_order}} picked <strong id="sel-total">₹{{'%d.%02d' % divmod(len(selected) * draw.price_paise, 100)}}</strong></p>
      <p class="chips" id="chips">{{', '.join(label(n) for n in selected) or 'Tap numbers to pick them.'}}</p>
    </div>
    <button class="btn big" type="submit" name="action" value="hold" id="hold-btn" {{'' if open else 'disabled'}}>Book &amp; pay</button>
  </div>
</form>
