"""What people read: the one vocabulary (gettext catalogues) and the one formatter of numbers and symbols."""
