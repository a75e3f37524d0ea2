"""placehub.web"""
