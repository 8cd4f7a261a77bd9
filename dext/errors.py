"""The one base error of dext's own code.

Every domain error has a stable ``code`` (for logs, tests and support) and a plain
``user_message`` that says what happened and what to do. Views show only
``user_message``; nothing else of an exception reaches a page.
"""


class ApplicationError(Exception):
    code = "error"
    user_message = "Something went wrong. Please try again."

    def __init__(self, user_message: str | None = None, *, code: str | None = None):
        if user_message is not None:
            self.user_message = user_message
        if code is not None:
            self.code = code
        super().__init__(self.user_message)
