def index_resource(resource):
    pass
