% rebase('base.tpl', page_id='expired')
<section class="card">
  <h1>{{_('This booking has expired') if state == 'expired' else _('This booking was cancelled')}}</h1>
% if state == 'expired':
  <p>{{!_h("Booking <strong>%(reference)s</strong> for numbers <strong>%(numbers)s</strong> (%(amount)s) was not paid in time, so its numbers were released for others.", reference=order.reference, numbers=numbers, amount=amount)}}</p>
% else:
  <p>{{!_h("Booking <strong>%(reference)s</strong> for numbers <strong>%(numbers)s</strong> (%(amount)s) was cancelled, so its numbers were released.", reference=order.reference, numbers=numbers, amount=amount)}}</p>
% end
% if open:
  <a class="btn big" href="{{restart}}">{{_("Start again")}}</a>
% else:
  <p>{{_("Sales for this draw are closed now.")}}</p>
% end
</section>
<section class="card note">
  <h2>{{_("Did you pay anyway?")}}</h2>
  <p>{{!_h("Your payment is not lost. Every payment is kept, and the organiser will sort it out: either your numbers are confirmed (if still free) or your money is refunded. Keep your UPI transaction ID (UTR) and this reference: <strong>%(reference)s</strong>.", reference=order.reference)}}</p>
</section>
