# hostile: bytes that are not UTF-8 in the source
# expect: * = error ~ SyntaxError

def count_visits(path):
    return 'ÿþ'
