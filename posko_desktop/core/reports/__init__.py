"""Printable reports. Pure: they take data objects gathered by the services and write
files to any binary stream; no database queries in here."""
