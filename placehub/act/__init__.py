"""placehub.act"""
