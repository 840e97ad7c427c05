"""Who is at the till: the sign-in with a PIN and the lock."""
