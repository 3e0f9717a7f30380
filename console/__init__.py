"""The organiser's side: the Textual console and the luckydraw command line."""
