def load():
    return "demo: nothing yet"
