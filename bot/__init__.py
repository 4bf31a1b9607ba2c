"""Front ends: relay between users (terminal chat, Telegram) and the Rasa server.

bot/ decides the reply language, cleans input, talks to Rasa over its REST webhook and turns
Rasa's replies (text, buttons, custom payloads) into what the front end shows. No business rules.
"""
