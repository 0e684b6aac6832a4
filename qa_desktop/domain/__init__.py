"""Rules of the Children's Commissioning Quality Assurance Framework, as plain data and functions.

Each module names the figure or section of the framework it implements, so that when the council
revises the framework the change is made in one obvious place. No database, no Qt: these rules are
tested on their own and used by the store, the services, the CLI and the UI alike.
"""
