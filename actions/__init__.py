"""Custom actions and the reply renderer (NLG endpoint) for the Rasa assistant.

Runs in the main environment as one HTTP service (`python -m actions.server`): Rasa calls
/webhook for custom actions and /nlg for every `utter_*` response. Actions are thin: they read
slots, call knowledge/ or the case services, and pick catalog texts; no sentence lives here.
"""
