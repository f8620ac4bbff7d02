"""The contestants of the benchmark: each turns a call-42 document (a plain dict) into the same
decision (see :mod:`contestants.common`), some also into amif-rules' full explained verdict."""
