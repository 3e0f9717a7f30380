<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#f4ead8">
% description = get('description') or (_("%(draw)s: book lucky draw tickets, pay with any UPI app, and see the winners drawn in a way anyone can check.", draw=draw.name) if draw else _("Book lucky draw tickets, pay with any UPI app, and see the winners drawn in a way anyone can check."))
<meta name="description" content="{{description}}">
<title>{{_e(title) + " · " if title else ""}}{{draw.name if draw else _("Lucky Draw")}}</title>
<link rel="stylesheet" href="{{ctx.static_url('app.css')}}">
<link rel="icon" href="{{ctx.static_url('favicon.svg')}}" type="image/svg+xml">
% if get('refresh'):
<noscript><meta http-equiv="refresh" content="{{refresh}}"></noscript>
% end
</head>
<body class="p-{{get('page_id', 'x')}}">
<a class="skip" href="#main">{{_("Skip to content")}}</a>
<header class="top">
  <a class="brand" href="/"><svg class="logo" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 7a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v2a2 2 0 0 0 0 4v2a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-2a2 2 0 0 0 0-4z"/></svg><span>{{draw.name if draw else _("Lucky Draw")}}</span></a>
  <a class="toplink" href="/mine">{{_("My tickets")}}</a>
</header>
<nav class="langs" aria-label="{{_('Language')}}">
% for code, name, url, now in languages():
  <a href="{{url}}" lang="{{code}}" hreflang="{{code}}"{{!' aria-current="true"' if now else ''}}>{{name}}</a>
% end
</nav>
% if get('inapp'):
<aside class="inapp" id="inapp" aria-label="{{_('Open in your browser')}}">
  <p>{{_("You are in %(app)s's own browser, which often cannot open a UPI app or keep this page alive while you pay. Open this page in your phone's browser.", app=inapp)}}</p>
  <p class="actions">
% if chrome_url:
    <a class="btn small" href="{{chrome_url}}" id="open-chrome">{{_("Open in Chrome")}}</a>
% end
    <button type="button" class="btn small ghost js-only" data-copy="{{page_url}}" data-done="{{_('Copied')}}" id="copy-link">{{_("Copy link")}}</button>
  </p>
  <p class="hint nojs-only">{{!_h('Copy this address: <span class="val sel">%(url)s</span>', url=page_url)}}</p>
% if not chrome_url:
  <p class="hint">{{_("Or tap the ⋯ menu and choose “Open in browser”.")}}</p>
% end
</aside>
% end
<main id="main" tabindex="-1">
{{!base}}
</main>
<footer class="foot">
% if draw:
  <p class="commit" title="{{_('The SHA-256 of the secret seed that will pick the winners, published before sales so nobody can change it later.')}}">{{_("Draw commitment:")}} <code>{{draw.seed_hash}}</code></p>
% end
  <p><a href="/">{{_("Home")}}</a> · <a href="/mine">{{_("My tickets")}}</a> · <a href="/results">{{_("Winners")}}</a></p>
</footer>
<script type="application/json" id="i18n">{{!script_strings()}}</script>
<script src="{{ctx.static_url('app.js')}}" defer></script>
</body>
</html>
