% rebase('base.tpl', page_id='pick')
<section class="intro">
  <h1>{{_("Choose your numbers")}}</h1>
  <p class="sub">{{_("Hi %(name)s", name=buyer['n'])}} · {{_("%(price)s a ticket", price=price)}} · {{_n("up to %(n)s number", "up to %(n)s numbers", draw.max_per_order)}} · <a href="/">{{_("change details")}}</a></p>
</section>
% include('_message.tpl')
% if not open:
<div class="msg error" role="alert">{{_("Sales are closed for this draw. No new bookings can be made.")}}</div>
% end
<form id="pick" class="pick" method="post" action="/pick" novalidate
      data-max="{{draw.max_per_order}}" data-price="{{draw.price_paise}}" data-width="{{draw.width}}"
      data-count="{{draw.ticket_count}}" data-lo="{{lo}}" data-hi="{{hi}}" data-name="{{buyer['n']}}"
      data-mobile="{{buyer['m']}}" data-focus="{{focus or ''}}">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <input type="hidden" name="r" value="{{range_index}}">
  <div class="tools card">
    <div class="tool">
      <label for="jump">{{_("Find a number")}}</label>
      <div class="row">
        <input id="jump" name="jump" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="6" placeholder="{{label(1)}}">
        <button class="btn ghost" type="submit" name="action" value="jump">{{_("Find")}}</button>
      </div>
    </div>
    <div class="tool">
      <label for="dip">{{_("Lucky dip")}}</label>
      <div class="row">
        <select id="dip" name="dip">
% for n in (1, 2, 3, 5, 10):
%   if n <= draw.max_per_order:
          <option value="{{n}}">{{_n("%(n)s number", "%(n)s numbers", n)}}</option>
%   end
% end
        </select>
        <button class="btn ghost" type="submit" name="action" value="dip" id="dip-btn">{{_("Pick for me")}}</button>
      </div>
    </div>
  </div>
  <p class="counts" id="counts">{{!_h('<span id="free-count">%(free)s</span> free · <span id="sold-count">%(sold)s</span> sold · <span id="held-count">%(held)s</span> on hold', free=free, sold=sold, held=held)}}</p>
  <ul class="legend" aria-label="{{_('What the colours mean')}}">
    <li><span class="sw free"></span>{{_("Free")}}</li><li><span class="sw mine"></span>{{_("Your pick")}}</li>
    <li><span class="sw held"></span>{{_("On hold")}}</li><li><span class="sw sold"></span>{{_("Sold")}}</li>
  </ul>
% if big:
  <nav class="ranges" aria-label="{{_('Ticket ranges')}}">
    <button class="btn ghost small" type="submit" name="action" value="prev" {{'disabled' if range_index == 0 else ''}} aria-label="{{_('Previous %(n)s numbers', n=len(range(lo, hi + 1)))}}">‹ {{_("Prev")}}</button>
%   if len(ranges) <= max_range_options:
    <label class="vh" for="range">{{_("Show numbers")}}</label>
    <select id="range" name="range" data-autosubmit="range-go">
%     for i, (a, b) in enumerate(ranges):
      <option value="{{i}}" {{'selected' if i == range_index else ''}}>{{label(a)}}–{{label(b)}}</option>
%     end
    </select>
    <button class="btn ghost small nojs-only" type="submit" name="action" value="range" id="range-go">{{_("Show")}}</button>
%   else:
    <span class="range-now">{{label(lo)}}–{{label(hi)}}</span>
%   end
    <button class="btn ghost small" type="submit" name="action" value="next" {{'disabled' if range_index >= len(ranges) - 1 else ''}} aria-label="{{_('Next numbers')}}">{{_("Next")}} ›</button>
  </nav>
% end
  <div class="grid" id="grid" role="group" aria-label="{{_("Ticket numbers %(first)s to %(last)s", first=label(lo), last=label(hi))}}">{{!cells_html}}</div>
  <div id="hidden-picks">
% for n in hidden:
    <input type="hidden" name="t" value="{{n}}">
% end
  </div>
  <div class="bar" id="bar">
    <div class="sel">
      <p class="total">{{!_h('<span id="sel-count">%(count)s</span> of %(max)s picked', count=len(selected), max=draw.max_per_order)}} <strong id="sel-total">₹{{'%d.%02d' % divmod(len(selected) * draw.price_paise, 100)}}</strong></p>
      <p class="chips" id="chips">{{', '.join(label(n) for n in selected) or _('Tap numbers to pick them.')}}</p>
    </div>
    <button class="btn big" type="submit" name="action" value="hold" id="hold-btn" {{'' if open else 'disabled'}}>{{_("Book & pay")}}</button>
  </div>
</form>
