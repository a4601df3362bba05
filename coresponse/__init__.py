"""CoResponse: software for police–mental-health co-response jail diversion programs."""
