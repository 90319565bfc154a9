"""League Atlas: NHS Oversight Framework league tables on a map, re-weightable and honest about uncertainty.

The package is the domain layer (sources, reading and validation, the store, scoring, uncertainty,
places and context). It never imports streamlit, so everything here runs and is tested headless.
"""

__version__ = "0.1.0"
