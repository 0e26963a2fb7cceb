"""Demo data for every floor: ``seed_demo`` (the seed roadmaps, the demo users and, from the
loaders here, the monitoring demo) and ``country`` (``generate_demo_data``: a data set of the
size of the country for load tests).
"""
