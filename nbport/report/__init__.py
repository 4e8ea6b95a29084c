"""Formatters: findings and errors in, text out."""
