"""nbport: find and fix what breaks when notebooks and scripts move to Google Colab and back."""

__version__ = "0.1.0"
