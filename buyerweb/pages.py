"""HTML pages: details → ticket grid → payment → success, the expired page and "my tickets".

Every page works without JavaScript (forms post and redirect; the payment page refreshes itself);
the script in static/app.js only makes them quicker and livelier. Forms carry a CSRF token."""

import secrets
from html import escape
from urllib.parse import quote, urlencode

from bottle import HTTPResponse, request

from shared.booking import find_order, order_status
from shared.db import utcnow
from shared.draws import get_draw
from shared.errors import Conflict, InvalidInput, LuckyDrawError, NotFound, TicketsTaken
from shared.fields import ticket_list_text
from shared.money import format_rupees, rupees
from shared.reports import buyer_bookings, drawing_count
from shared.states import DrawState, OrderState, PayeeKind
from shared.upi import link_merchant_code, qr_svg, upi_uri
from shared.validation import SESSION_RE, clean_name, parse_mobile

from .addresses import absolute_url
from .context import WebContext
from .holds import TOO_MANY_LOOKUPS, NotYours, RateLimited, cancel_own, check_ip_limit, place_hold
from .html import page
from .http import Route, fail, field, form_data, redirect
from .i18n import gettext as _
from .i18n import ngettext
from .present import label, labels, local_iso, local_time, mask_mobile, seconds_left, terms_values
from .qrpng import qr_png
from .security import (
    BUYER_COOKIE,
    LAST_ORDER_COOKIE,
    csrf_ok,
    get_signed_cookie,
    owns_booking,
    remember_booking,
    remember_last_booking,
    set_signed_cookie,
)

BIG_DRAW = 1000  # from this many tickets on, the grid shows one range at a time
RANGE_SIZE = 100
MAX_RANGE_OPTIONS = 200
BUYER_COOKIE_AGE = 7 * 24 * 3600
STATE_WORDS = {
    OrderState.PENDING: "Waiting for payment",
    OrderState.PAID: "Paid",
    OrderState.EXPIRED: "Expired",
    OrderState.CANCELLED: "Cancelled",
}


# ----------------------------------------------------------------------------------------- helpers


def buyer(ctx) -> dict | None:
    data = get_signed_cookie(ctx.config.secret, BUYER_COOKIE)
    if data and isinstance(data.get("n"), str) and isinstance(data.get("m"), str):
        return data
    return None


MAX_LISTED = 1000


def parse_numbers(values, draw) -> list[int]:
    """Ticket numbers from form fields or a 'sel' list; refuses anything that is not one."""
    numbers, seen = [], set()
    parts = [part for value in values for part in str(value).replace(",", " ").split()]
    if len(parts) > MAX_LISTED:
        raise InvalidInput(f"Too many tickets: at most {draw.max_per_order} per booking.")
    for part in parts:
        if not (part.isdigit() and part.isascii() and len(part) < 10):
            raise InvalidInput(f"'{part[:12]}' is not a ticket number.")
        number = int(part)
        if not 1 <= number <= draw.ticket_count:
            raise InvalidInput(f"There is no ticket {number}: numbers run from 1 to {draw.ticket_count}.")
        if number not in seen:
            seen.add(number)
            numbers.append(number)
    return numbers


def sales_open(draw) -> bool:
    return draw is not None and draw.state == DrawState.OPEN


def session_or_404(session_id: str) -> str:
    if not SESSION_RE.match(session_id or ""):
        raise NotFound("There is no booking at this address.")
    return session_id


# ------------------------------------------------------------------------------------ ticket grid


def grid_ranges(draw) -> list[tuple[int, int]]:
    if draw.ticket_count < BIG_DRAW:
        return [(1, draw.ticket_count)]
    return [(lo, min(lo + RANGE_SIZE - 1, draw.ticket_count)) for lo in range(1, draw.ticket_count + 1, RANGE_SIZE)]


def range_of(draw, number: int) -> int:
    return 0 if draw.ticket_count < BIG_DRAW else (number - 1) // RANGE_SIZE


GRID_BLOCK = 30  # tickets a block: the browser lays out only the blocks on (or near) the screen


def grid_cells(draw, states: str, lo: int, hi: int, selected: set[int]) -> str:
    """The visible tickets as checkboxes in labels (built here, not in the template: 1,000 cells),
    in blocks of GRID_BLOCK. A taken ticket's checkbox is disabled and described by the word for
    its state, which the grid holds once, hidden (#w-sold, #w-held)."""
    width = draw.width
    words = "".join(
        f'<span id="w-{kind}">{escape(word)}</span>' for kind, word in (("sold", _("sold")), ("held", _("on hold")))
    )
    out = [f"<p hidden>{words}</p>"]
    kinds = {"2": "sold", "1": "held"}
    for number in range(lo, hi + 1):
        if (number - lo) % GRID_BLOCK == 0:
            out.append('</div><div class="blk">' if number > lo else '<div class="blk">')
        text = str(number).zfill(width)
        state = states[number - 1] if number - 1 < len(states) else "0"
        if state == "0":
            checked = " checked" if number in selected else ""
            out.append(
                f'<label class="t" id="t{number}"><input type="checkbox" name="t" value="{number}"{checked}>'
                f"{text}</label>"
            )
        else:
            kind = kinds.get(state, "held")
            out.append(
                f'<label class="t {kind}" id="t{number}"><input type="checkbox" name="t" value="{number}" '
                f'aria-describedby="w-{kind}" disabled>{text}</label>'
            )
    if hi >= lo:
        out.append("</div>")
    return "".join(out)


def pick_page(
    ctx,
    draw,
    who,
    selected: list[int],
    range_index: int = 0,
    message=None,
    message_kind="error",
    status=200,
    headers=None,
    focus=None,
):
    value = ctx.availability.get(draw)
    states = value["states"]
    kept = [n for n in selected if states[n - 1] == "0"][: draw.max_per_order]
    dropped = [n for n in selected if n not in kept and states[n - 1] != "0"]
    if dropped and message is None:
        message = (
            f"{'Ticket' if len(dropped) == 1 else 'Tickets'} {labels(dropped, draw.width)} "
            f"{'was' if len(dropped) == 1 else 'were'} just taken by someone else, so "
            f"{'it is' if len(dropped) == 1 else 'they are'} no longer in your selection."
        )
    ranges = grid_ranges(draw)
    range_index = max(0, min(range_index, len(ranges) - 1))
    lo, hi = ranges[range_index]
    hidden = [n for n in kept if not lo <= n <= hi]
    return page(
        ctx,
        "pick.tpl",
        status=status,
        headers=headers,
        title="Choose your numbers",
        draw=draw,
        buyer=who,
        cells_html=grid_cells(draw, states, lo, hi, set(kept)),
        hidden=hidden,
        selected=kept,
        ranges=ranges,
        range_index=range_index,
        lo=lo,
        hi=hi,
        big=draw.ticket_count >= BIG_DRAW,
        free=value["free"],
        sold=value["sold"],
        held=value["held"],
        message=message,
        message_kind=message_kind,
        focus=focus,
        open=sales_open(draw),
        price=format_rupees(draw.price_paise),
        max_range_options=MAX_RANGE_OPTIONS,
        label=lambda n: label(n, draw.width),
    )


def lucky_dip(ctx, draw, selected: list[int], count: int) -> list[int]:
    states = ctx.availability.get(draw)["states"]
    room = max(0, draw.max_per_order - len(selected))
    free = [i + 1 for i, s in enumerate(states) if s == "0" and i + 1 not in selected]
    picks = secrets.SystemRandom().sample(free, min(count, room, len(free)))
    return sorted(picks)


# ------------------------------------------------------------------------------------------ routes


def home(ctx: WebContext):
    draw = ctx.draws.get()
    who = buyer(ctx) or {}
    waiting = None
    last = request.get_cookie(LAST_ORDER_COOKIE) or ""
    if SESSION_RE.match(last):
        try:
            status = order_status(last)
            if status.state == "pending":
                waiting = status
        except NotFound:
            pass
    errors = {}
    if request.query.get("details") and not who:
        errors["form"] = (
            "Please enter your details first. (If you did, your browser may be blocking cookies "
            "for this site: they are needed to remember you between pages.)"
        )
    public = ctx.results.commitment(draw) if draw else None
    return page(
        ctx,
        "details.tpl",
        title=None,  # the page's title is the draw's name (base.tpl), once
        draw=draw,
        name=who.get("n", ""),
        mobile=who.get("m", ""),
        errors=errors,
        waiting=waiting,
        open=sales_open(draw),
        free=ctx.availability.get(draw)["free"] if draw else 0,
        price=format_rupees(draw.price_paise) if draw else "",
        public=public,
        announced_at=local_iso(public["announced_at"], ctx.zone) if public else "",
        **terms_values(draw, utcnow()),
    )


def start(ctx: WebContext):
    form = form_data(ctx)
    draw = ctx.draws.get()
    name, mobile = field(form, "name"), field(form, "mobile")
    errors = {}
    if not csrf_ok(ctx.config.secret, field(form, "csrf")):
        errors["form"] = "This form was open for too long. Please check your details and press the button again."
    try:
        name = clean_name(name, "Name")
    except InvalidInput as exc:
        errors["name"] = exc.message
    try:
        mobile = parse_mobile(mobile)
    except InvalidInput as exc:
        errors["mobile"] = exc.message
    if errors or not sales_open(draw):
        return page(
            ctx,
            "details.tpl",
            status=403 if "form" in errors else 422 if errors else 409,
            title="Your details",
            draw=draw,
            name=name,
            mobile=mobile,
            errors=errors,
            waiting=None,
            open=sales_open(draw),
            free=ctx.availability.get(draw)["free"] if draw else 0,
            price=format_rupees(draw.price_paise) if draw else "",
            **terms_values(draw, utcnow()),
        )
    set_signed_cookie(ctx.config.secret, BUYER_COOKIE, {"n": name, "m": mobile}, BUYER_COOKIE_AGE)
    redirect("/pick", 303)


def pick(ctx: WebContext):
    draw = ctx.draws.get()
    who = buyer(ctx)
    if draw is None or not sales_open(draw):
        redirect("/", 303)
    if who is None:
        redirect("/?details=1", 303)
    query = request.query
    try:
        selected = parse_numbers([query.get("sel", "")], draw)
    except InvalidInput:
        selected = []
    try:
        range_index = int(query.get("r", "0"))
    except ValueError:
        range_index = 0
    message, kind = None, "info"
    if query.get("dipped"):
        message = "Lucky dip picked your numbers. Tap any to change them."
    return pick_page(
        ctx, draw, who, selected, range_index, message=message, message_kind=kind, focus=query.get("focus")
    )


def pick_post(ctx: WebContext):
    form = form_data(ctx)
    draw = ctx.draws.get()
    who = buyer(ctx)
    if draw is None or who is None:
        redirect("/", 303)
    action = field(form, "action", "hold")
    try:
        range_index = int(field(form, "r", "0"))
    except ValueError:
        range_index = 0
    try:
        selected = parse_numbers(form.get("t", []), draw)
    except InvalidInput as exc:
        return pick_page(ctx, draw, who, [], range_index, message=exc.message, status=422)
    if not csrf_ok(ctx.config.secret, field(form, "csrf")):
        return pick_page(
            ctx,
            draw,
            who,
            selected,
            range_index,
            status=403,
            message="This page was open for too long. Please check your numbers and press the button again.",
        )
    if action == "hold":
        return hold_from_form(ctx, draw, who, selected, range_index)
    try:
        target = move_in_grid(ctx, draw, form, action, selected, range_index)
    except InvalidInput as exc:
        return pick_page(ctx, draw, who, selected, range_index, message=exc.message, status=422)
    redirect(target, 303)


def move_in_grid(ctx, draw, form, action: str, selected: list[int], range_index: int) -> str:
    """Where the grid goes for a button that is not "hold": another range, a jump to a number, or a
    lucky dip added to the selection (the address of the grid page to show)."""
    params = {"sel": ",".join(map(str, selected))}
    focus = None
    if action in ("prev", "next"):
        range_index += -1 if action == "prev" else 1
    elif action == "range":
        try:
            range_index = int(field(form, "range", "0"))
        except ValueError:
            pass
    elif action == "jump":
        number = parse_numbers([field(form, "jump")], draw)
        if number:
            range_index = range_of(draw, number[0])
            focus = number[0]
    elif action == "dip":
        try:
            count = max(1, min(int(field(form, "dip", "1")), draw.max_per_order))
        except ValueError:
            count = 1
        picks = lucky_dip(ctx, draw, selected, count)
        if picks:
            selected = sorted(set(selected) | set(picks))
            range_index = range_of(draw, picks[0])
            params["sel"] = ",".join(map(str, selected))
            params["dipped"] = "1"
    params["r"] = str(max(0, range_index))
    if focus:
        params["focus"] = str(focus)
    return "/pick?" + urlencode(params) + (f"#t{focus}" if focus else "")


def hold_from_form(ctx, draw, who, selected, range_index):
    try:
        hold = place_hold(ctx, who["n"], who["m"], selected)
    except TicketsTaken as exc:
        ctx.availability.clear()  # it was stale: show what is taken now
        rest = [n for n in selected if n not in exc.taken]
        return pick_page(ctx, draw, who, rest, range_index, message=exc.message, status=409)
    except RateLimited as exc:
        return pick_page(
            ctx,
            draw,
            who,
            selected,
            range_index,
            message=exc.message,
            status=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    except LuckyDrawError as exc:
        return pick_page(ctx, draw, who, selected, range_index, message=exc.message, status=exc.status)
    ctx.availability.clear()
    remember_last_booking(hold.session_id)
    remember_booking(ctx.config.secret, hold.session_id)
    redirect(f"/pay/{hold.session_id}", 303)


def pay(ctx: WebContext, session_id: str):
    return pay_page(ctx, session_id)


def grouped_utr(utr: str | None) -> str:
    """A 12-digit UTR as people read it aloud: 4123 4567 8901."""
    return " ".join(utr[i : i + 4] for i in range(0, len(utr), 4)) if utr else ""


def save_qr_offered(draw, amount_paise: int) -> bool:
    """A saved QR pays a person only up to the gallery cap (NPCI, 2025); a merchant has no such cap."""
    return draw.payee_kind == PayeeKind.MERCHANT or amount_paise <= draw.gallery_cap_paise


def pay_page(ctx: WebContext, session_id: str, *, claim_error: str | None = None, typed: str = "", status: int = 200):
    """The payment page of a pending booking, or the expired/cancelled page; both carry the form
    that hands in the UTR (with `claim_error` and what the buyer `typed` after a refused claim)."""
    session_or_404(session_id)
    order = find_order(session_id)
    state = order_status(session_id).state
    if state == "paid":
        redirect(f"/done/{session_id}", 303)
    draw = get_draw(order.draw_id)
    numbers = labels(order.tickets, draw.width)
    claim = {
        "claimed": grouped_utr(order.claimed_utr),
        "claim_error": claim_error,
        "typed": typed,
        "claim_action": f"/pay/{session_id}/utr",
    }
    if state != "pending":
        return page(
            ctx,
            "expired.tpl",
            status=status,
            title="Booking expired",
            draw=draw,
            order=order,
            state=state,
            numbers=numbers,
            amount=format_rupees(order.payable_paise),
            restart=f"/pick?{urlencode({'sel': ','.join(map(str, order.tickets))})}",
            open=sales_open(draw),
            **claim,
        )
    merchant = draw.payee_kind == PayeeKind.MERCHANT
    qr_uri = upi_uri(draw.payee_vpa, draw.payee_name, order.payable_paise, order.reference)
    link = upi_uri(
        draw.payee_vpa,
        draw.payee_name,
        order.payable_paise,
        order.reference,
        link_merchant_code(draw.payee_kind, draw.merchant_code),
    )
    now = utcnow()
    return page(
        ctx,
        "pay.tpl",
        status=status,
        title="Pay to confirm",
        draw=draw,
        order=order,
        numbers=numbers,
        amount=format_rupees(order.payable_paise),
        amount_plain=rupees(order.payable_paise),
        base=format_rupees(order.base_paise),
        offset=order.payable_paise - order.base_paise,
        qr=qr_svg(link if merchant else qr_uri),
        upi=link if merchant else None,
        save_qr=save_qr_offered(draw, order.payable_paise),
        cap=format_rupees(draw.gallery_cap_paise),
        merchant=merchant,
        seconds=seconds_left(order.expires_at, now),
        ends=local_time(order.expires_at, ctx.zone, "%I:%M %p"),
        **claim,
        can_cancel=owns_booking(ctx.config.secret, order.session_id),
    )


def pay_qr(ctx: WebContext, session_id: str):
    session_or_404(session_id)
    order = find_order(session_id)
    if order_status(session_id).state != "pending":
        raise NotFound("This booking is no longer waiting for payment.")
    draw = get_draw(order.draw_id)
    if not save_qr_offered(draw, order.payable_paise):
        raise NotFound(
            f"Saving the QR is not offered above {format_rupees(draw.gallery_cap_paise)}: UPI apps refuse "
            f"to pay a person that much from a saved QR image. Pay to the UPI ID shown on the page."
        )
    code = link_merchant_code(draw.payee_kind, draw.merchant_code)
    data = qr_png(upi_uri(draw.payee_vpa, draw.payee_name, order.payable_paise, order.reference, code))
    result = HTTPResponse(data, status=200)
    result.content_type = "image/png"
    result.set_header("Content-Disposition", f'attachment; filename="lucky-draw-{order.reference}.png"')
    result.set_header("Cache-Control", "private, max-age=600")
    return result


def pay_cancel(ctx: WebContext, session_id: str):
    session_or_404(session_id)
    form = form_data(ctx)
    if not csrf_ok(ctx.config.secret, field(form, "csrf")):
        redirect(f"/pay/{session_id}", 303)
    try:
        order = cancel_own(ctx, session_id)
    except RateLimited as exc:
        return fail(ctx, 429, exc.message, {"Retry-After": str(exc.retry_after)})
    except NotYours as exc:
        return fail(ctx, 403, exc.message)
    except Conflict:  # already paid, expired or cancelled: the page says which
        redirect(f"/pay/{session_id}", 303)
    ctx.availability.clear()
    redirect("/pick?" + urlencode({"sel": ticket_list_text(order.tickets)}), 303)


def done(ctx: WebContext, session_id: str):
    session_or_404(session_id)
    order = find_order(session_id)
    if order.state != "paid":
        redirect(f"/pay/{session_id}", 303)
    draw = get_draw(order.draw_id)
    numbers = [label(n, draw.width) for n in order.numbers]
    return page(
        ctx,
        "done.tpl",
        title="Booking confirmed",
        draw=draw,
        order=order,
        numbers=numbers,
        whatsapp_url=whatsapp_share(draw.name, numbers, order.reference, absolute_url(f"/done/{session_id}")),
        amount=format_rupees(order.payable_paise),
        paid_at=local_time(order.paid_at, ctx.zone),
        booked_at=local_time(order.created_at, ctx.zone),
        mobile=mask_mobile(order.mobile),
        results_url=f"/results/{draw.id}",
        drawn=drawing_count(draw.id) > 0,
        **terms_values(draw, utcnow()),
    )


def whatsapp_share(draw_name: str, numbers: list[str], reference: str, receipt_url: str) -> str:
    """The receipt's "Share on WhatsApp" link: a wa.me message in the buyer's language with the
    draw, the numbers as the receipt shows them, the reference and the receipt's own address (its
    GET page). Never the buyer's name or mobile: whoever opens the receipt sees what it shows."""
    text = ngettext(
        "My ticket for %(draw)s: %(numbers)s. Booking reference %(reference)s. Receipt: %(url)s",
        "My tickets for %(draw)s: %(numbers)s. Booking reference %(reference)s. Receipt: %(url)s",
        len(numbers),
        draw=draw_name,
        numbers=", ".join(numbers),
        reference=reference,
        url=receipt_url,
    )
    return "https://wa.me/?text=" + quote(text, safe="")


def mine(ctx: WebContext):
    return page(ctx, "mine.tpl", title="My tickets", mobile="", reference="", orders=None, errors={})


def mine_post(ctx: WebContext):
    form = form_data(ctx)
    mobile, reference = field(form, "mobile"), field(form, "reference")
    errors = {}
    status = 200
    if not csrf_ok(ctx.config.secret, field(form, "csrf")):
        errors["form"] = "This form was open for too long. Please press the button again."
        status = 403
    else:
        try:
            check_ip_limit(ctx, ctx.lookup_ip, TOO_MANY_LOOKUPS)
        except RateLimited as exc:
            return page(
                ctx,
                "mine.tpl",
                status=429,
                headers={"Retry-After": str(exc.retry_after)},
                title="My tickets",
                mobile=mobile,
                reference=reference,
                orders=None,
                errors={"form": exc.message},
            )
    try:
        mobile = parse_mobile(mobile)
    except InvalidInput as exc:
        errors["mobile"] = exc.message
    if not reference.strip():
        errors["reference"] = "Please enter the reference from your booking, like LD-7K3Q2P."
    if errors and status == 200:
        status = 422
    orders = None
    if not errors:
        try:
            found = find_order(reference)
            if found.mobile != mobile or SESSION_RE.match(reference.strip()):
                raise NotFound("")
        except NotFound:
            errors["form"] = (
                "No booking matches that mobile number and reference. Check both; the reference looks like LD-7K3Q2P."
            )
            status = 404
        else:
            orders = buyer_orders(ctx, found, mobile)
    return page(
        ctx,
        "mine.tpl",
        status=status,
        title="My tickets",
        mobile=mobile,
        reference=reference,
        orders=orders,
        errors=errors,
    )


def buyer_orders(ctx: WebContext, found, mobile) -> list[dict]:
    """That buyer's bookings in the same draw (read only), newest first."""
    draw = get_draw(found.draw_id)
    result = []
    for order in buyer_bookings(found.draw_id, mobile):
        state = order.state
        result.append(
            {
                "reference": order.reference,
                "numbers": labels(order.tickets, draw.width),
                "amount": format_rupees(order.payable_paise),
                "state": state,
                "state_word": STATE_WORDS.get(state, state),
                "when": local_time(order.created_at, ctx.zone),
                "session_id": order.session_id,
                "draw": draw.name,
            }
        )
    return result


ROUTES = (
    Route("home", "GET", "/", home),
    Route("start", "POST", "/start", start),
    Route("pick", "GET", "/pick", pick),
    Route("pick_post", "POST", "/pick", pick_post),
    Route("pay", "GET", "/pay/<session_id>", pay),
    Route("pay_qr", "GET", "/pay/<session_id>/qr.png", pay_qr),
    Route("pay_cancel", "POST", "/pay/<session_id>/cancel", pay_cancel),
    Route("done", "GET", "/done/<session_id>", done),
    Route("mine", "GET", "/mine", mine),
    Route("mine_post", "POST", "/mine", mine_post),
)
