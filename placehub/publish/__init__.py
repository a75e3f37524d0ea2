"""placehub.publish"""
