import argparse
import logging
import os
import pickle
import zipfile
from typing import List, Tuple

import pandas as pd
import wget
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
import hypertune

parser = argparse.ArgumentParser()
parser.add_argument('--model-dir', dest='model_dir',
                    default=os.getenv('AIP_MODEL_DIR'), type=str, help='Model dir.')
parser.add_argument("--dataset-url", dest="dataset_url",
                    type=str, help="Download url for the training data.")
parser.add_argument('--alpha', dest='alpha',
                    default=1.0, type=float,
                    help='Alpha parameters for MultinomialNB')
args = parser.parse_args()

logging.getLogger().setLevel(logging.INFO)

def get_data(url: str, test_size: float = 0.2) -> Tuple[List, List, List, List]:
    logging.info("Downloading training data from: {}".format(args.dataset_url))

    zip_filepath = wget.download(url, out=".")

    with zipfile.ZipFile(zip_filepath, "r") as zf:
        zf.extract(path=".", member="newsCorpora.csv")

    COLUMN_NAMES = ["id", "title", "url", "publisher",
                    "category", "story", "hostname", "timestamp"]

    dataframe = pd.read_csv(
        "newsCorpora.csv", delimiter="	", names=COLUMN_NAMES, index_col=0
    )

    train, test = train_test_split(dataframe, test_size=test_size)

    x_train, y_train = train["title"].values, train["category"].values
    x_test, y_test = test["title"].values, test["category"].values

    return x_train, y_train, x_test, y_test

def get_model():
    logging.info("Build model ...")
    model = Pipeline([
                ("vectorizer", CountVectorizer()),
                ("tfidf", TfidfTransformer()),
                ("naivebayes", MultinomialNB(alpha=args.alpha)),
        ])
    return model

def train_model(model: Pipeline, X_train: List, y_train: List, X_test: List, y_test: List
) -> Pipeline:
    logging.info("Training started ...")
    model.fit(X_train, y_train)
    logging.info("Training completed")
    return model

def evaluate_model(model: Pipeline, X_train: List, y_train: List, X_test: List, y_test: List
) -> float:
    score = model.score(X_test, y_test)
    logging.info(f"Evaluation completed with model score: {score}")

    # report metric for hyperparameter tuning
    hpt = hypertune.HyperTune()
    hpt.report_hyperparameter_tuning_metric(
        hyperparameter_metric_tag='accuracy',
        metric_value=score
    )
    return score


def export_model_to_gcs(fitted_pipeline: Pipeline, gcs_uri: str) -> str:
    """Exports trained pipeline to GCS
    Parameters:
            fitted_pipeline (sklearn.pipelines.Pipeline): the Pipeline object
                with data already fitted (trained pipeline object).
            gcs_uri (str): GCS path to store the trained pipeline
                i.e gs://example_bucket/training-job.
    Returns:
            export_path (str): Model GCS location
    """
    # Upload model artifact to Cloud Storage
    artifact_filename = 'model.pkl'
    storage_path = os.path.join(gcs_uri, artifact_filename)

    # Save model artifact to local filesystem (doesn't persist)
    with open(storage_path, 'wb') as model_file:
        pickle.dump(fitted_pipeline, model_file)


def export_evaluation_report_to_gcs(report: str, gcs_uri: str) -> None:
    """
    Exports training job report to GCS
    Parameters:
        report (str): Full report in text to sent to GCS
        gcs_uri (str): GCS path to store the report
            i.e gs://example_bucket/training-job
    """

    # Upload model artifact to Cloud Storage
    artifact_filename = 'report.txt'
    storage_path = os.path.join(gcs_uri, artifact_filename)

    # Save model artifact to local filesystem (doesn't persist)
    with open(storage_path, 'w') as report_file:
        report_file.write(report)


logging.info("Starting custom training job.")

data = get_data(args.dataset_url)
model = get_model()
model = train_model(model, *data)
score = evaluate_model(model, *data)

# export model to gcs using GCSFuse
logging.info("Exporting model artifacts ...")
gs_prefix = 'gs://'
gcsfuse_prefix = '/gcs/'
if args.model_dir.startswith(gs_prefix):
    args.model_dir = args.model_dir.replace(gs_prefix, gcsfuse_prefix)
    dirpath = os.path.split(args.model_dir)[0]
    if not os.path.isdir(dirpath):
        os.makedirs(dirpath)

export_model_to_gcs(model, args.model_dir)
export_evaluation_report_to_gcs(str(score), args.model_dir)
logging.info(f"Exported model artifacts to GCS bucket: {args.model_dir}")