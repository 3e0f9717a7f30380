% rebase('base.tpl', page_id='expired')
<section class="card">
  <h1>{{'This booking has expired' if state == 'expired' else 'This booking was cancelled'}}</h1>
  <p>Booking <strong>{{order.reference}}</strong> for numbers <strong>{{numbers}}</strong> ({{amount}})
    {{'was not paid in time, so its numbers were released for others.' if state == 'expired' else 'was cancelled, so its numbers were released.'}}</p>
% if open:
  <a class="btn big" href="{{restart}}">Start again</a>
% else:
  <p>Sales for this draw are closed now.</p>
% end
</section>
<section class="card note">
  <h2>Did you pay anyway?</h2>
  <p>Your payment is not lost. Every payment is kept, and the organiser will sort it out: either your numbers are confirmed
    (if still free) or your money is refunded. Keep your UPI transaction ID (UTR) and this reference: <strong>{{order.reference}}</strong>.</p>
</section>
% if state == 'expired':
% include('_claim.tpl')
% end
