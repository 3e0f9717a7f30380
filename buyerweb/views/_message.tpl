% if message:
<div class="msg {{message_kind}}" role="{{'alert' if message_kind == 'error' else 'status'}}" id="msg">{{_e(message)}}</div>
% else:
<div class="msg" role="status" id="msg" hidden></div>
% end
