"""The information-exchange platform's content checks (Art. 9, 3(4)): extract the text of an
upload with its locations, and scan it for personal data (ILO-9.3) and law-enforcement handling
markings (ILO-9.1). Pure functions of bytes and text: no I/O, no database."""
