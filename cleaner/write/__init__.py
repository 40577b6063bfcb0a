"""Write the kept documents into OUT: files, JSON Lines, staging, resume."""
