"""Cancer types: the controlled vocabulary evidence entries and grades point to, and their pages."""
