"""Touch widgets of our own: the on-screen keyboards, form editors, the hidden corner."""
