% rebase('base.tpl', page_id='error')
<section class="card">
  <h1>{{_('Page not found') if status == 404 else _('Please try again') if status in (429, 503) else _('Sorry')}}</h1>
  <p class="msg error" role="alert">{{_e(message)}}</p>
  <a class="btn" href="/">{{_("Go to the home page")}}</a>
</section>
