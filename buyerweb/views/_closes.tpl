% if get('closes_on', ''):
<p class="closes">{{_("Sales close on %(when)s.", when=closes_on)}}</p>
% end
