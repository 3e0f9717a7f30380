% rebase('base.tpl', page_id='error')
<section class="card">
  <h1>{{'Page not found' if status == 404 else 'Please try again' if status in (429, 503) else 'Sorry'}}</h1>
  <p class="msg error" role="alert">{{message}}</p>
  <a class="btn" href="/">Go to the home page</a>
</section>
