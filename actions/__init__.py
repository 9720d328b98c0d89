"""Custom actions: thin rasa_sdk wrappers around ``bot.dialogue``."""
