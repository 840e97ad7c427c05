"""Files in and out: import (CSV, xlsx) through ``importer``; readers, headers and values
are its parts, each usable alone."""
