"""The referral app's pages (one module per area)."""
