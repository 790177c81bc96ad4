"""Moodle's own Moodle XML fixtures, as test data.

From moodle/moodle question/format/xml/tests/fixtures/: nested_categories_with_questions.xml whole;
truefalse.xml abridged (the base64 of its embedded images shortened to a few bytes); multichoice.xml
abridged the same way, with its question and its last answer (Danish) as in the fixture and two more
answers written in the same form, keeping every element Moodle's importer reads.
"""

NESTED_CATEGORIES_WITH_QUESTIONS = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/Iota</text>
    </category>
    <info format="plain_text">
      <text>This is Iota category for test</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 96  -->
  <question type="truefalse">
    <name>
      <text>Iota Question</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Testing Iota Question</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/Iota/Kappa</text>
    </category>
    <info format="markdown">
      <text>This is Kappa category for test</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 106  -->
  <question type="essay">
    <name>
      <text>Kappa Essay Question</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Testing Kappa Essay Question</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>10</responsefieldlines>
    <attachments>0</attachments>
    <attachmentsrequired>0</attachmentsrequired>
    <graderinfo format="html">
      <text></text>
    </graderinfo>
    <responsetemplate format="html">
      <text></text>
    </responsetemplate>
  </question>

<!-- question: 97  -->
  <question type="truefalse">
    <name>
      <text>Kappa Question</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Testing Kappa Question</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/Iota/Kappa/Lambda</text>
    </category>
    <info format="moodle_auto_format">
      <text>This is Lambda category for test</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 98  -->
  <question type="truefalse">
    <name>
      <text>Lambda Question</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Testing Lambda Question</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/Iota/Mu</text>
    </category>
    <info format="moodle_auto_format">
      <text>This is Mu category for test</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 99  -->
  <question type="truefalse">
    <name>
      <text>Mu Question</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Testing Mu Question</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

</quiz>
"""

TRUEFALSE_ABRIDGED = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
        <text>$course$/Default for testhead/TrueFalse</text>

    </category>
  </question>

<!-- question: 2284  -->
  <question type="truefalse">
    <name>
      <text>Moodle acronym (False)</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Moodle <img src="@@PLUGINFILE@@/logo.jpg" alt="Moodle logo" width="48" height="48" /> is an \
acronym for <span style="font-style: italic;">Modular Object-Oriented Dynamic Learning Education</span>.</p>]]></text>
<file name="logo.jpg" encoding="base64">/9j/4AAQ</file>    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p><img src="@@PLUGINFILE@@/infos.jpg" alt="Informations" width="34" height="49" />For further \
information, see the <a title="Moodle Docs - About Moodle" href="http://docs.moodle.org/en/About_Moodle">documentation \
about Moodle</a>.</p>]]></text>
<file name="infos.jpg" encoding="base64">/9j/4AAQ</file>    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text><![CDATA[<p><img src="@@PLUGINFILE@@/thumbdown.jpg" alt="Thumb down" width="24" height="24" /> \
Your answer is incorrect.</p>]]></text>
<file name="thumbdown.jpg" encoding="base64">/9j/4AAQ</file>      </feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text><![CDATA[<p><img src="@@PLUGINFILE@@/thumbup.jpg" alt="Thumb up" width="24" height="24" /> \
Your answer is correct.</p>]]></text>
<file name="thumbup.jpg" encoding="base64">/9j/4AAQ</file>      </feedback>
    </answer>
  </question>
</quiz>
"""

MULTICHOICE_ABRIDGED = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
        <text>$course$/Default for testhead/Multichoice</text>

    </category>
  </question>

<!-- question: 2295  -->
  <question type="multichoice">
    <name>
      <text>Greeting</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p><a href="@@PLUGINFILE@@/bonjour.mp3">Listen to this greeting:</a><br /><br />What language \
is being spoken?</p>]]></text>
<file name="bonjour.mp3" encoding="base64">SUQzAwAA</file>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html">
      <text></text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text></text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text></text>
    </incorrectfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p><img src="@@PLUGINFILE@@/flag-france.jpg" alt="France flag" width="30" height="20" /> \
French</p>]]></text>
<file name="flag-france.jpg" encoding="base64">/9j/4AAQ</file>      <feedback format="html">
        <text><![CDATA[<p>Yes, well done!</p>]]></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p><img src="@@PLUGINFILE@@/flag-germany.jpg" alt="Germany flag" width="30" height="20" /> \
German</p>]]></text>
<file name="flag-germany.jpg" encoding="base64">/9j/4AAQ</file>      <feedback format="html">
        <text><![CDATA[<p>Sorry, listen again.</p>]]></text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p><img src="@@PLUGINFILE@@/flag-denmark.jpg" alt="Denmark flag" width="30" height="20" /> \
Danish</p>]]></text>
<file name="flag-denmark.jpg" encoding="base64">/9j/4AAQ</file>      <feedback format="html">
        <text><![CDATA[<p>Sorry, listen again.</p>]]></text>
      </feedback>
    </answer>
  </question>

</quiz>
"""
