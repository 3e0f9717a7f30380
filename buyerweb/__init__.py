"""The buyer web: a small Bottle site to pick tickets, pay by UPI and get a receipt."""
