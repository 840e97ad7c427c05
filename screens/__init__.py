"""The Textual UI. It calls the core's services and never writes SQL itself."""
